"""The printable front end: worksheets, mock exam papers and their answer keys (PDF, HTML, Markdown).

Calls the core; holds no rules. The pieces, in the order data flows:

* :mod:`.worksheet` draws a worksheet's items from options and a seed (``WorksheetSpec``);
  :func:`.build.paper_sheets` takes a core ``Paper``;
* :mod:`.build` turns core items into the format-independent :mod:`.model` (a ``Sheet`` and its
  ``KeySheet``);
* :mod:`.classset` reads rosters and derives each student's seed;
* :mod:`.render_typst` (PDF), :mod:`.render_html`, :mod:`.render_md` render a ``Document``;
* :mod:`.output` writes files (single, a class set in a directory or merged, key modes).
"""
