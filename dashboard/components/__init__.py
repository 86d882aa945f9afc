"""Small pieces shared by every page: filters, cards, charts, tables, notes and data access."""
