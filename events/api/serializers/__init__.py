"""API serializers: the declared schema, a list and a detail serializer per resource.

No serializer touches the database: everything they read was fetched by the read layer's
plans (events/reads), and test settings run those plans in FETCH_RAISE mode so a lazy load
would fail loudly. A nested object the
client may not see (a draft location of a published event…) is rendered as ``null``.

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
    ModelSerializer,
    Serializer,
    SiteRootMixin,
    VisibleOnlyMixin,
    list_link,
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
