"""Streamlit entry point (`make app`): the practitioner front end lives in kb_app/."""

from kb_app.main import run

run()
