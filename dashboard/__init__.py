"""The Streamlit dashboard: presentation only. Every number comes from `pipelines.metrics`."""
