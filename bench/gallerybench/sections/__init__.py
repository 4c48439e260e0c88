"""The bench's sections, in the order they run and appear in bench/RESULTS.md.

A new section is one module in this folder with a `SECTION` (an instance of section.Section), added to the list
below; bench/README.md says what it is given and what it returns."""


from . import browse, demo, formats, lists, scale, sched, text

SECTIONS = [
    demo.SECTION, scale.SECTION, formats.SECTION, browse.SECTION, lists.SECTION, sched.SECTION, text.SECTION,
]
