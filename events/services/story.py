"""Publishing a story at once: an event with everything it needs that is still unpublished.

A new event usually arrives with new places (Fronhof ⊂ Solingen ⊂ North Rhine-Westphalia ⊂
Germany), new actors, its claims and the reports they come from, all drafts. Published one
by one, each waits for what it points at (a place for its parent, a claim for its speaker):
seven passes for one story. ``story_unpublished`` lists the drafts and rows in review the
event's story holds, what each points at first; ``story_publish`` publishes the chosen ones
in that order in one transaction, so either the whole story goes public or nothing does.
"""

from dataclasses import dataclass

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction

from events.models import Event, PublishableModel, Status

from .publication import publishable_publish, user_can_publish

UNPUBLISHED = (Status.DRAFT, Status.REVIEW)


@dataclass(frozen=True)
class StoryItem:
    obj: PublishableModel
    why: str  # what in the story needs it ("the event's place", "a claim's speaker"…)

    @property
    def kind(self) -> str:
        return str(self.obj._meta.verbose_name)

    @property
    def key(self) -> str:
        return f"{self.obj._meta.model_name}:{self.obj.pk}"


def _points_at(obj: PublishableModel) -> list[tuple[PublishableModel, str]]:
    """The public rows ``obj`` refers to (foreign keys and many-to-many), with the field."""
    targets = []
    for field in obj._meta.concrete_fields:
        if field.is_relation and issubclass(field.related_model, PublishableModel):
            target = getattr(obj, field.name)
            if target is not None:
                targets.append((target, str(field.verbose_name)))
    for field in obj._meta.many_to_many:
        if issubclass(field.related_model, PublishableModel):
            targets += [(row, str(field.verbose_name)) for row in getattr(obj, field.name).all()]
    return targets


def _story_members(event: Event) -> list[tuple[PublishableModel, str]]:
    """The rows that make up the event's story, beside what the event itself points at."""
    members: list[tuple[PublishableModel, str]] = []
    participations = event.participations.select_related("actor", "source")
    for participation in participations:
        role = participation.get_role_display()
        members.append((participation.actor, f"a participant ({role})"))
        if participation.source is not None:
            members.append((participation.source, "the source of a participation"))
    claims = event.claims.select_related("speaker").prefetch_related(
        "about_actors", "sources__article"
    )
    for claim in claims:
        members.append((claim, "a claim about the event"))
        for source in claim.sources.all():
            members.append((source.article, "the source of a claim"))
    return members


def story_unpublished(*, event: Event) -> list[StoryItem]:
    """What publishing ``event`` with its story would publish, dependencies first."""
    ordered: list[StoryItem] = []
    seen: set[str] = set()

    def visit(obj: PublishableModel, why: str) -> None:
        key = f"{obj._meta.model_name}:{obj.pk}"
        if key in seen:
            return
        seen.add(key)
        for target, field in _points_at(obj):
            visit(target, f"{field} of “{obj}”")
        if obj.status in UNPUBLISHED:
            ordered.append(StoryItem(obj=obj, why=why))

    for target, field in _points_at(event):
        visit(target, f"the event's {field}")
    seen.add(f"event:{event.pk}")
    if event.status in UNPUBLISHED:
        ordered.append(StoryItem(obj=event, why="the event"))
    for member, why in _story_members(event):
        visit(member, why)
    return ordered


@transaction.atomic
def story_publish(*, event: Event, user, keys: set[str] | None = None) -> list[PublishableModel]:
    """Publish the event's unpublished story (only ``keys`` of it, if given), all or nothing.

    Raises ``ValidationError`` naming what blocks it (a left-out place the event needs, a
    withdrawn actor…); nothing is published then.
    """
    if not user_can_publish(user, Event):
        raise PermissionDenied("Only publishers may publish.")
    published = []
    for item in story_unpublished(event=event):
        if keys is not None and item.key not in keys:
            continue
        obj = type(item.obj)._base_manager.select_for_update().get(pk=item.obj.pk)
        if obj.status not in UNPUBLISHED:
            continue  # published by someone else meanwhile
        try:
            publishable_publish(obj=obj, user=user)
        except ValidationError as exc:
            why = " ".join(exc.messages)
            raise ValidationError(f"“{obj}” cannot be published: {why}") from exc
        published.append(obj)
    return published
