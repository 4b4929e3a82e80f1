"""The only place with streamlit caches, session_state keys and reusable widgets."""
