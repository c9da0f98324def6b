"""Trainer session packs: named, ordered passages, scenarios and headings, exported as slides or handouts.

- `model`: Pack and its items (plain data, JSON round trip)
- `store`: packs as JSON files in Settings.packs_dir, written atomically
- `resolve`: a pack against the current index (changed / vanished pinned passages)
- `export_pptx`, `export_docx`, `export_md`: the exports, all from a ResolvedPack
"""
