"""Server-rendered pages; templates live beside this file and need no external assets."""

from pathlib import Path

from jinja2 import Environment, FileSystemLoader, select_autoescape

templates = Environment(
    loader=FileSystemLoader(Path(__file__).parent / "templates"),
    autoescape=select_autoescape(["html"]),
)
STATIC = Path(__file__).parent / "static"
