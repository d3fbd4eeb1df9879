"""The key footer: Textual's, rebuilt only when the keys it shows change."""

from __future__ import annotations

from textual.widgets import Footer


class KeyFooter(Footer):
    """Textual's footer, rebuilt only when the keys it would show change.

    The footer rebuilds its keys (a widget per key, each restyled as it mounts)
    whenever its screen says the bindings may have changed: on every change of
    focus or of screen, and once more after each; starting the app, or moving
    between panes that share their keys, would rebuild it with the same keys.
    """

    def __init__(self) -> None:
        super().__init__()
        self._shown: tuple[object, ...] | None = None

    def _keys_shown(self) -> tuple[object, ...]:
        """What :meth:`compose` would show: each shown key's binding, whether it is
        enabled, its tooltip and how the key is written (a keymap may change it)."""
        app = self.app
        active = self.screen.active_bindings
        return (
            self.show_command_palette,
            app.ENABLE_COMMAND_PALETTE,
            tuple(
                (key, item.binding, item.enabled, item.tooltip, app.get_key_display(item.binding))
                for key, item in active.items()
                if item.binding.show or key == app.COMMAND_PALETTE_BINDING
            ),
        )

    async def recompose(self) -> None:
        """Rebuild the keys, unless the footer already shows these ones."""
        if not self.is_attached:
            return
        shown = self._keys_shown() if self._bindings_ready else None
        if shown is not None and shown == self._shown:
            return
        self._shown = shown
        await super().recompose()
