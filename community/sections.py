"""Where higher apps show something on community's own pages (the group page's hook is
samenhuis/start.py's GROUP_SECTIONS). A lower app never imports a higher one
(tests/samenhuis/test_layers.py): the higher app registers a function under the hook name below
with `wagtail.hooks.register` in its wagtail_hooks.py, and the page collects the contributions
with `samenhuis.start.sections`.
"""

# fn(request, organisation) -> Section | None: a block of an organisation's page in the directory
# (/gemeenschap/organisaties/<slug>/), which every visitor may read, anonymous ones included. Each
# contribution shows only what the visitor may see, and asks the database a fixed number of times.
ORGANISATION_SECTIONS = "community_organisation_sections"
