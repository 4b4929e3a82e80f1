"""A view leaves the app: a button that copies the link to this view, and PNG / SVG / CSV downloads under a figure."""

from __future__ import annotations

import functools
from collections.abc import Sequence

import numpy as np
import streamlit as st

from mnistdash.plots import export

# The address already holds the view (mnistdash.ui.url writes it after every change), so the button copies
# window.location. The clipboard API needs a secure origin (https or localhost); elsewhere the link is shown
# selected in a field, for Ctrl+C.
_COPY_JS = """
export default function (component) {
  const { parentElement } = component;
  if (parentElement.querySelector('button.md-copy')) return;
  const button = document.createElement('button');
  button.type = 'button';
  button.className = 'md-copy';
  button.textContent = 'Copy link to this view';
  const note = document.createElement('div');
  note.className = 'md-copy-note';
  note.setAttribute('role', 'status');
  button.addEventListener('click', async () => {
    const link = new URL(window.location.href);
    link.searchParams.delete('who');  // the view, never the person's anonymous quiz id
    const url = link.toString();
    try {
      await navigator.clipboard.writeText(url);
      note.textContent = 'Copied: anyone who opens it sees this view.';
    } catch (e) {
      const field = document.createElement('input');
      field.value = url;
      field.readOnly = true;
      field.setAttribute('aria-label', 'Link to this view');
      note.replaceChildren('Copy this link (Ctrl+C):', field);
      field.select();
    }
  });
  parentElement.append(button, note);
}
"""
_COPY_CSS = """
.md-copy { font: inherit; font-size: 0.9rem; padding: 0.3rem 0.75rem; border-radius: 0.5rem; cursor: pointer;
  border: 1px solid rgba(49, 51, 63, 0.25); background: var(--st-background-color, #fff); color: inherit; }
.md-copy:hover, .md-copy:focus-visible { border-color: #ff4b4b; color: #ff4b4b; }
.md-copy-note { font-size: 0.8rem; margin-top: 0.25rem; }
.md-copy-note input { width: 100%; font-size: 0.75rem; margin-top: 0.2rem; }
"""
_copy = st.components.v2.component("mnistdash_copy_link", html="", js=_COPY_JS, css=_COPY_CSS)


def copy_link_button(container=None) -> None:
    """'Copy link to this view': the page's address, which carries its state, to the clipboard."""
    with container or st.container():
        _copy(key="copy_link")


def downloads(fig, key: str, title: str, caption: str = "") -> None:
    """PNG, SVG and CSV of the figure under it, each drawn only when its button is pressed (in a thread, so the
    page does not wait), titled and captioned so the file says what it is. `fig`: a Plotly figure, or a function
    that builds one, called only then."""
    with st.container(horizontal=True, horizontal_alignment="right", gap="small", key=f"{key}__export"):
        for fmt, mime in export.FORMATS.items():
            st.download_button(
                fmt.upper(),
                data=functools.partial(_render, fig, fmt, title, caption),
                file_name=export.file_name(title, fmt),
                mime=mime,
                key=f"{key}__{fmt}",
                help=f"Download this figure as {fmt.upper()}"
                + (" (the numbers behind it, one row per value)" if fmt == "csv" else " with its title and caption"),
                on_click="ignore",
                type="tertiary",
                icon=":material/download:",
            )


def _render(fig, fmt: str, title: str, caption: str) -> bytes:
    return export.render(fig() if callable(fig) else fig, fmt, title, caption)


def picture_downloads(
    images: np.ndarray,  # (K, H, W)
    titles: Sequence[str],
    key: str,
    title: str,
    caption: str = "",
    diverging: bool = True,
    raw: np.ndarray | None = None,
) -> None:
    """PNG / SVG / CSV of pictures a page shows as plain images (a digit, maps, a unit's pictures): drawn as the
    mosaic the figures use, on the page's colours (grey ink in [0, 1]; diverging maps on one symmetric scale, so
    pass each map already scaled where the page scales each on its own, and the values themselves as `raw`)."""
    from mnistdash.plots.figures import mosaic

    images, names = np.asarray(images, np.float32), [str(t) for t in titles]
    # Built at the press, not on every run: the Draw page's maps (11 ms for 9) would otherwise cost every stroke.
    build = functools.partial(mosaic, images, names, diverging=diverging, zmax=None if diverging else 1.0, raw=raw)
    downloads(build, key, title, caption)
