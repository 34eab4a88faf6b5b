"""Pages without a total count.

Counting every matching row costs as much as reading them all: on a 50,000-patient
caseload or a million-row audit log the COUNT alone took longer than the page.
A page instead reads one row more than it shows, to know whether a next page exists.
"""

from dataclasses import dataclass


@dataclass
class Page:
    object_list: list
    number: int
    size: int
    has_next: bool

    @property
    def has_previous(self) -> bool:
        return self.number > 1

    def has_other_pages(self) -> bool:
        return self.has_next or self.has_previous

    def next_page_number(self) -> int:
        return self.number + 1

    def previous_page_number(self) -> int:
        return self.number - 1

    def __iter__(self):
        return iter(self.object_list)

    def __len__(self):
        return len(self.object_list)


# Past this a page is simply empty: a page number of 40 digits overflowed the database's
# OFFSET (SQLite: "datatype mismatch") and answered 500.
MAX_PAGE = 1_000_000


def page_number(value) -> int:
    try:
        return min(max(int(value), 1), MAX_PAGE)
    except (TypeError, ValueError):
        return 1


def paginate(queryset, page, size: int) -> Page:
    number = page_number(page)
    start = (number - 1) * size
    rows = list(queryset[start:start + size + 1])
    return Page(rows[:size], number, size, has_next=len(rows) > size)
