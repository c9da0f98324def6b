"""The Streamlit front end: page modules that draw what the `kb` library answers.

Nothing here searches, parses or cites by itself: it calls kb.answer, kb.context, kb.citation,
kb.levels and kb.retrieval.glossary, and only decides how their results look on the page.
"""
