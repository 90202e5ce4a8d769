"""How well the parser reads pages: scores against hand-annotated fixtures and sample pages,
and one page's reading explained for a person to check."""
