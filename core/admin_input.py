"""The Django admin, kept from answering 500 to input it cannot read.

Found by tests/hardening/test_fuzz_forms_admin.py and test_fuzz_forms_coordination.py. Django's
admin trusts two kinds of input further than it should:

- an autocomplete field's submitted id is looked up again to show it in the form re-rendered
  with its errors; an id its key cannot hold ("abc", "1.5", thousands of digits) makes that
  lookup raise instead of the form showing "Pilih pilihan yang valid";
- a changelist's filter values go into the query as they are: a NUL is refused by PostgreSQL
  when the list renders, and the date hierarchy steps from ?<field>__year=9999 to a year 10000
  that Python's dates do not have.

Both are refused here the way Django refuses its own unreadable filters: the form's error, or
the changelist's redirect to "?e=1".
"""

import contextlib
from datetime import UTC, datetime

from django.contrib.admin import FieldListFilter
from django.contrib.admin.options import IncorrectLookupParameters
from django.contrib.admin.views.main import ChangeList
from django.contrib.admin.widgets import AutocompleteSelect, AutocompleteSelectMultiple
from django.core.exceptions import EmptyResultSet, FullResultSet, ValidationError
from django.db import DataError, ProgrammingError, connection, connections, transaction


class ReadableAutocompleteMixin:
    def optgroups(self, name, value, attr=None):
        model = self.field.remote_field.model
        to_field = getattr(self.field.remote_field, "field_name", model._meta.pk.attname)
        key = model._meta.get_field(to_field)
        return super().optgroups(name, [v for v in value if _readable(key, v)], attr)


class ReadableAutocompleteSelect(ReadableAutocompleteMixin, AutocompleteSelect):
    pass


class ReadableAutocompleteSelectMultiple(ReadableAutocompleteMixin, AutocompleteSelectMultiple):
    pass


def _readable(key, value) -> bool:
    """Whether `value` can be looked up by `key` without the database refusing it."""
    try:
        prepared = key.get_prep_value(key.to_python(value))
    except (ValidationError, ValueError, TypeError):
        return False
    if isinstance(prepared, int):
        low, high = connection.ops.integer_field_range(key.get_internal_type())
        return (low is None or prepared >= low) and (high is None or prepared <= high)
    return not (isinstance(prepared, str) and "\x00" in prepared)


class ReadableChangeList(ChangeList):
    def get_filters(self, request):
        try:
            filters = super().get_filters(request)
        except (ValueError, OverflowError) as exc:  # the date hierarchy's year 9999, and more
            raise IncorrectLookupParameters(exc) from exc
        specs, _has_filters, remaining = filters[:3]
        # What goes into the query as sent: the field filters' values and any other lookup.
        # (A SimpleListFilter reads its own value, and may ignore what it cannot read.)
        queried = [spec.used_parameters for spec in specs if isinstance(spec, FieldListFilter)]
        for value in _flat([*queried, remaining]):
            if isinstance(value, str) and "\x00" in value:
                raise IncorrectLookupParameters("a filter value holds a NUL")
            if isinstance(value, datetime):
                # The date hierarchy's bounds in UTC, as the database gets them: year 1 in
                # WIB begins in year 0, which Python's dates do not have either.
                try:
                    value.astimezone(UTC)
                except OverflowError as exc:
                    raise IncorrectLookupParameters(exc) from exc
        for key, value in (remaining or {}).items():
            # A query string cannot spell a range's two ends: Django hands the text over as it
            # is, each character a bound, and only the database notices the mismatch, as a 500.
            values = value if isinstance(value, list) else [value]
            if key.endswith("__range") and any(isinstance(v, str) for v in values):
                raise IncorrectLookupParameters(f"{key}: a range cannot come from a URL")
        return filters

    def get_queryset(self, request, exclude_parameters=None):
        queryset = super().get_queryset(request, exclude_parameters)
        # Django applies the filters lazily: a value the field cannot hold ("2024-11-27" for an
        # IP address) fails only when the query is compiled, for the count, outside the
        # admin's own check. Compiling it here turns that into the "?e=1" redirect.
        try:
            queryset.query.get_compiler(queryset.db).as_sql()
        except (EmptyResultSet, FullResultSet):
            pass
        except (ValueError, TypeError, ValidationError, OverflowError) as exc:
            raise IncorrectLookupParameters(exc) from exc
        return queryset

    def get_results(self, request):
        # What only the database can refuse (a regular expression it cannot read, a value its
        # driver cannot send for the column: SQLite's raises OverflowError for a key past
        # 64 bits) is refused like any other unreadable filter. Inside
        # an outer transaction (tests, a caller's atomic block) a savepoint keeps it usable for
        # the redirect; requests themselves run in autocommit, where a failed query harms nothing.
        connection = connections[self.queryset.db]
        guard = transaction.atomic(using=self.queryset.db) if connection.in_atomic_block else None
        try:
            with guard or contextlib.nullcontext():
                super().get_results(request)
        except (DataError, ProgrammingError, TypeError, OverflowError) as exc:
            raise IncorrectLookupParameters(exc) from exc


def _flat(values):
    for value in values:
        if isinstance(value, dict):
            yield from _flat(value.values())
        elif isinstance(value, list | tuple):
            yield from _flat(value)
        else:
            yield value


class ReadableAutocompleteAdminMixin:
    """For a ModelAdmin or an inline: its autocomplete fields survive unreadable ids."""

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        if "widget" not in kwargs and db_field.name in self.get_autocomplete_fields(request):
            kwargs["widget"] = ReadableAutocompleteSelect(
                db_field, self.admin_site, using=kwargs.get("using")
            )
        return super().formfield_for_foreignkey(db_field, request, **kwargs)

    def formfield_for_manytomany(self, db_field, request, **kwargs):
        if "widget" not in kwargs and db_field.name in self.get_autocomplete_fields(request):
            kwargs["widget"] = ReadableAutocompleteSelectMultiple(
                db_field, self.admin_site, using=kwargs.get("using")
            )
        return super().formfield_for_manytomany(db_field, request, **kwargs)


class ReadableInputAdminMixin(ReadableAutocompleteAdminMixin):
    """For a ModelAdmin: autocomplete fields and changelist filters that survive bad input."""

    def get_changelist(self, request, **kwargs):
        return ReadableChangeList
