"""One module per page, run as a script by `st.navigation` in `dashboard/app.py`. Not `pages/`:
Streamlit treats a `pages/` folder beside the entry script as a version-1 multipage app until
st.navigation has run once in the process, so a first request for /tribunals would run that file
alone, without app.py (no bootstrap, no banner), as happened before the rename.
"""
