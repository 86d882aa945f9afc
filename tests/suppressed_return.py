"""A provider's monthly waiting-list return that suppresses small counts as providers do ("<5",
"*", "c", "< 5"), for the pipeline and app tests. Counts only: synthetic, no personal data."""

NCH = "Northshire Community Health NHS Trust"
HEADER = ["Month", "Provider", "Local Authority", "Service", "Total Waiting", "Over 18 Weeks",
          "Over 52 Weeks", "Median Wait (Weeks)", "Referrals Received"]
ROWS = [
    ["Jan 2026", NCH, "Northshire", "ASD Pathway", "1,200", "900", "<5", "40.5", "60"],
    ["Jan 2026", NCH, "Northshire", "SALT", "*", "3", "0", "10", "*"],
    ["Jan 2026", NCH, "Northshire", "OT", "40", "c", "< 5", "9", "5"],
    ["Jan 2026", NCH, "Riverside", "SALT", "300", "100", "20", "12", "25"],
]
