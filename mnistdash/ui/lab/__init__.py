"""The Linear lab page's parts: its artifacts and figures, and its views."""
