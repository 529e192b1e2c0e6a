"""API serializers: the declared schema, a list and a detail serializer per resource.

They document the API (drf-spectacular) and name the fields ``fields=`` / ``omit=`` accept;
requests are answered by the plain functions of events/api/render.py, which
tests/api/test_render.py holds to these serializers field by field. No serializer touches
the database: everything they read was fetched by the read layer's plans (events/reads). A
nested object the client may not see (a draft location of a published event…) is ``null``.

Modules: base (links, visibility, shared fields), refs (nested references), claims,
events, actors, places, articles, deleted (the sync feed's rows).
"""

from .actors import (  # noqa: F401
    ActorAliasSerializer,
    ActorDetailSerializer,
    ActorListSerializer,
    AffiliatedSerializer,
    AffiliationSerializer,
    AliasSerializer,
)
from .articles import (  # noqa: F401
    ArticleDetailSerializer,
    ArticleListSerializer,
)
from .base import (  # noqa: F401
    AS_OF_HELP,
    WORKFLOW_FIELDS,
    ApiLink,
    HtmlUrlField,
    OptionalText,
    PublishedSerializer,
    VisibleOnlyMixin,
    list_link,
    optional,
)
from .claims import (  # noqa: F401
    ClaimDetailSerializer,
    ClaimInEventSerializer,
    ClaimListSerializer,
    ClaimRelationSerializer,
    ClaimSourceSerializer,
    CorrectionSerializer,
    FigurePointSerializer,
    FigureSerializer,
    FigureSeriesSerializer,
)
from .deleted import (  # noqa: F401
    DeletedSerializer,
    MergedIntoSerializer,
)
from .events import (  # noqa: F401
    AncestorsMixin,
    EventDetailSerializer,
    EventListSerializer,
    LocationWithAncestorsSerializer,
    ParticipantSerializer,
    RelatedEventSerializer,
)
from .places import (  # noqa: F401
    LocationDetailSerializer,
    LocationListSerializer,
)
from .refs import (  # noqa: F401
    ActorRefSerializer,
    ArticleRefSerializer,
    ClaimRefSerializer,
    EventRefSerializer,
    LocationRefSerializer,
)
