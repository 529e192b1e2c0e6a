from .actor import Actor, ActorAlias, ActorKind, Affiliation, AffiliationKind
from .article import Article, ArticleKind
from .base import Precision, PublishableModel, Status, TimeStampedModel
from .change import Change, ChangeAction, ChangeKind, ChangePrune
from .claim import (
    Assessment,
    Claim,
    ClaimKind,
    ClaimRelation,
    ClaimRelationKind,
    ClaimSource,
    Metric,
    Mode,
    Qualifier,
    best_figure,
    figure_series,
)
from .editorial import Correction, CorrectionKind, Mention, SlugRedirect
from .event import Event, EventRelation, EventRelationKind, EventSummaryVersion, EventType
from .location import Location, LocationAlias, LocationKind
from .participation import Participation, Role
from .proposal import Proposal, ProposalKind, ProposalStatus
from .record import LoadedRow
from .tombstone import Tombstone, TombstoneKind, TombstoneReason
from .webhook import DeliveryStatus, Webhook, WebhookDelivery, WebhookStatus

__all__ = [
    "Actor",
    "ActorAlias",
    "ActorKind",
    "Affiliation",
    "AffiliationKind",
    "Article",
    "ArticleKind",
    "Assessment",
    "Claim",
    "Change",
    "ChangePrune",
    "ChangeAction",
    "ChangeKind",
    "ClaimKind",
    "ClaimRelation",
    "ClaimRelationKind",
    "ClaimSource",
    "Correction",
    "Proposal",
    "ProposalKind",
    "ProposalStatus",
    "CorrectionKind",
    "DeliveryStatus",
    "Event",
    "EventRelation",
    "EventRelationKind",
    "EventSummaryVersion",
    "EventType",
    "Location",
    "LocationAlias",
    "LoadedRow",
    "LocationKind",
    "Mention",
    "Metric",
    "Mode",
    "Participation",
    "Precision",
    "PublishableModel",
    "Qualifier",
    "Role",
    "SlugRedirect",
    "Status",
    "TimeStampedModel",
    "Tombstone",
    "TombstoneKind",
    "TombstoneReason",
    "Webhook",
    "WebhookDelivery",
    "WebhookStatus",
    "best_figure",
    "figure_series",
]
