"""The procedure's own "action to be taken" steps for a topic, for a "what do I do" question.

Found by section heading in the chapter of the top passage (kb.question_kind.ACTION_HEADING),
returned verbatim with their lines so they can be cited like any passage.
"""

from __future__ import annotations

from dataclasses import dataclass

from kb.model import Document, Hit, Passage
from kb.question_kind import ACTION_HEADING, asks_what_to_do
from kb.retrieval import LoadedIndex


@dataclass(frozen=True)
class ActionSteps:
    document: Document
    passages: tuple[Passage, ...]  # the action section's passages, in order

    @property
    def heading_path(self) -> tuple[str, ...]:
        return self.passages[0].heading_path

    @property
    def line_start(self) -> int:
        return self.passages[0].line_start

    @property
    def line_end(self) -> int:
        return self.passages[-1].line_end

    def text(self) -> str:
        """Exactly the section's corpus lines (its heading line included)."""
        return self.document.lines_between(self.line_start, self.line_end)


def action_steps(index: LoadedIndex, question: str, hits: list[Hit]) -> ActionSteps | None:
    """The top passage's chapter's action section, when the question asks what to do and the
    chapter has one; None otherwise."""
    if not hits or not asks_what_to_do(question):
        return None
    doc = hits[0].document
    chapter = [p for p in index.passages if p.doc_id == doc.id]
    for passage in chapter:
        for depth, heading in enumerate(passage.heading_path[1:], start=2):
            if ACTION_HEADING.search(heading):
                prefix = passage.heading_path[:depth]
                under = tuple(p for p in chapter if p.heading_path[:depth] == prefix)
                return ActionSteps(doc, under)
    return None
