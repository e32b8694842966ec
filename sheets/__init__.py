"""Data layer: the sheet contract, parsing, stores and loading. No Streamlit here."""
