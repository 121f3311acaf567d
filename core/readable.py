"""Readable names for the models Django and django-simple-history make for us.

The admin names every object by ``str()``: the delete confirmation lists what goes with an
assignment (its TPS links), the history pages list records. Models we write have a
``__str__``; the ones generated for us do not say anything useful:

- the auto-created through model of a ManyToManyField ("Assignment_tps object (21)"). Giving
  it a ``__str__`` the ordinary way needs a custom ``through=`` model and a migration, so the
  app's ``ready()`` sets one on the generated class instead: the row reads as what it links to;
- simple_history's records ("… as of 2024-11-27 02:00:00.123456+00:00", English, in UTC):
  they read as "…, per 27/11/2024 09.00 WIB".

``name_generated_models(app_config)`` does both for one app's models, from its ``ready()``.
"""

from django.apps import AppConfig
from django.db import models
from django.utils.translation import gettext

from core.formats import wib_stamp


def name_generated_models(app_config: AppConfig) -> None:
    for model in app_config.get_models(include_auto_created=True):
        if model._meta.auto_created and "__str__" not in model.__dict__:
            model.__str__ = _through_str(model)
        elif "history_object" in model.__dict__:
            model.__str__ = _history_str
        elif _records_m2m_rows(model):
            model.__str__ = _history_m2m_str(model)


def _records_m2m_rows(model: type[models.Model]) -> bool:
    instance_type = getattr(model, "instance_type", None)
    return getattr(getattr(instance_type, "_meta", None), "auto_created", False) is not False


def _target(through: type[models.Model]) -> str:
    # Of the through's two foreign keys, the one to the other side (an assignment's TPS).
    return [field for field in through._meta.fields if field.is_relation][-1].name


def _through_str(through: type[models.Model]):
    target = _target(through)
    return lambda self: str(getattr(self, target))


def _as_of(thing, moment) -> str:
    return gettext("%(object)s, per %(when)s") % {"object": thing, "when": wib_stamp(moment)}


def _history_str(self) -> str:
    return _as_of(self.history_object, self.history_date)


def _history_m2m_str(model: type[models.Model]):
    # One row of the TPS set as it stood in one historical record of the assignment.
    target = _target(model.instance_type)
    return lambda self: _as_of(getattr(self, target), self.history.history_date)
