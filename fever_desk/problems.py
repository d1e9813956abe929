"""The one base of every exception whose message a nurse or clinic IT reads: :class:`Problem`.

``template`` is the English source string and the translation catalogue's key; ``values`` fill its
``{placeholders}``.  ``str(problem)`` is the English sentence (for logs and tracebacks) and
:meth:`Problem.localized` the same sentence in the UI language, or in ``language`` when output must not
follow the UI (a slip, a report).  Translating ``str(exc)`` instead would miss: the filled-in text is
not a catalogue key.  A subclass either sets ``template`` as a class attribute (one message per kind of
problem) or is given the template when raised (a family of messages, e.g. the password rules); it may
also derive from the built-in exception its callers catch (``ValueError``, ``PermissionError`` …).
"""

from __future__ import annotations

from typing import Any

from fever_desk.i18n import current_language, tr_in


class Problem(Exception):
    """A refusal or failure explained in the user's language; see the module docstring."""

    template = "{detail}"

    def __init__(self, template: str | None = None, /, **values: Any) -> None:
        if template is not None:
            self.template = template
        self.values = values
        super().__init__(self.template.format(**values))

    def localized(self, language: str | None = None) -> str:
        """The message in ``language`` (default: the UI's)."""
        language = language or current_language()
        return tr_in(language, self.template, **self.localized_values(language))

    def localized_values(self, language: str) -> dict[str, Any]:
        """The values as the message shows them; a subclass translates those that are phrases too."""
        return self.values
