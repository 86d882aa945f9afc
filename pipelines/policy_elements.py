"""The statutory guidance's elements of a medical conditions policy (Supporting pupils at school
with medical conditions, DfE December 2015): one yes/no column each of a schools audit
(`schemas.SCHOOLS`), with the header spellings seen in DCOs' audits.
"""

from __future__ import annotations

# Column -> what the policy covers.
POLICY_ELEMENTS: dict[str, str] = {
    "element_named_lead": "named lead",
    "element_staff_training": "staff training and cover",
    "element_ihp_process": "individual healthcare plans process",
    "element_medicines": "medicines",
    "element_trips": "school trips and activities",
    "element_emergency": "emergency procedures",
    "element_complaints": "complaints",
    "element_unacceptable_practice": "unacceptable practice",
}
ELEMENT_ALIASES: dict[str, tuple[str, ...]] = {
    "element_named_lead": ("Named Lead", "Named Person", "Named Individual", "Lead Named",
                           "Named Person Responsible", "Named Lead Identified"),
    "element_staff_training": ("Staff Training", "Staff Training and Cover", "Training and Cover",
                               "Staff Training & Cover Arrangements", "Cover Arrangements"),
    "element_ihp_process": ("IHP Process", "IHP Procedure", "Individual Healthcare Plans",
                            "Individual Healthcare Plans Process", "Healthcare Plans Process",
                            "IHP Section"),
    "element_medicines": ("Medicines", "Managing Medicines", "Medicines Management",
                          "Administration of Medicines", "Medication"),
    "element_trips": ("School Trips", "Trips and Activities", "School Trips and Activities",
                      "Trips", "Educational Visits", "Off-site Activities"),
    "element_emergency": ("Emergency Procedures", "Emergencies", "Emergency Procedure",
                          "Emergency Arrangements"),
    "element_complaints": ("Complaints", "Complaints Procedure", "Complaints Process"),
    "element_unacceptable_practice": ("Unacceptable Practice", "Unacceptable Practices",
                                      "Unacceptable Practice Section"),
}
