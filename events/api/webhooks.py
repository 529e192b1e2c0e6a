"""``/api/v1/webhooks/``: a token client registers, lists, pauses, resumes and deletes the
webhooks that push it the change feed (delivered by ``manage.py deliver_webhooks``, see
:mod:`events.sync.webhooks`). Each client sees only its own."""

from django.core.exceptions import ValidationError as DjangoValidationError
from django.utils import timezone
from drf_spectacular.utils import extend_schema, extend_schema_view
from rest_framework import mixins, serializers, viewsets
from rest_framework.decorators import action
from rest_framework.parsers import JSONParser
from rest_framework.permissions import IsAuthenticated
from rest_framework.renderers import JSONRenderer
from rest_framework.response import Response

from events.models import ChangeKind, Webhook, WebhookDelivery, WebhookStatus
from events.models.webhook import endpoint_problem
from events.sync.feed import end_cursor
from events.sync.webhooks import webhook_resume

from .base import StrictQueryMixin
from .serializers import optional

RECENT_DELIVERIES = 50


class WebhookSerializer(serializers.ModelSerializer):
    kinds = serializers.ListField(
        child=serializers.ChoiceField(
            choices=ChangeKind.choices,
            error_messages={
                "invalid_choice": f"“{{input}}” is not a kind: choose from "
                f"{', '.join(ChangeKind.values)}."
            },
        ),
        required=False,
        help_text="Kinds of record whose changes are sent; empty or absent for all.",
    )
    paused_reason = optional(Webhook, "paused_reason", read_only=True)
    status = serializers.ChoiceField(
        choices=WebhookStatus.choices,
        required=False,
        help_text="Set `paused` to stop deliveries, `active` to resume them (the delivery "
        "that kept failing is tried again at once).",
    )

    class Meta:
        model = Webhook
        fields = [
            "id",
            "url",
            "kinds",
            "status",
            "paused_reason",
            "cursor",
            "failures",
            "created_at",
        ]
        read_only_fields = ["cursor", "failures", "created_at"]

    def validate_url(self, value):
        problem = endpoint_problem(value)
        if problem:
            raise serializers.ValidationError(problem)
        return value

    def validate_kinds(self, value):
        return sorted(set(value))


class WebhookCreatedSerializer(WebhookSerializer):
    secret = serializers.CharField(
        read_only=True,
        help_text="Verifies the signature of each delivery (Standard Webhooks). Shown only "
        "now: keep it.",
    )

    class Meta(WebhookSerializer.Meta):
        fields = [*WebhookSerializer.Meta.fields, "secret"]


class WebhookDeliverySerializer(serializers.ModelSerializer):
    last_error = optional(WebhookDelivery, "last_error", read_only=True)

    class Meta:
        model = WebhookDelivery
        fields = [
            "key",
            "status",
            "changes",
            "cursor",
            "attempts",
            "last_attempt_at",
            "last_status_code",
            "last_error",
            "next_attempt_at",
            "delivered_at",
            "created_at",
        ]


@extend_schema_view(
    list=extend_schema(summary="Your webhooks"),
    create=extend_schema(
        summary="Register a webhook",
        description="It is sent every public change from now on, signed with the `secret` "
        "returned here once.",
        responses={201: WebhookCreatedSerializer},
    ),
    retrieve=extend_schema(summary="One of your webhooks"),
    partial_update=extend_schema(summary="Change, pause or resume a webhook"),
    destroy=extend_schema(summary="Delete a webhook and its delivery log"),
)
@extend_schema(tags=["sync"])
class WebhookViewSet(
    StrictQueryMixin,
    mixins.ListModelMixin,
    mixins.CreateModelMixin,
    mixins.RetrieveModelMixin,
    mixins.UpdateModelMixin,
    mixins.DestroyModelMixin,
    viewsets.GenericViewSet,
):
    """Webhooks that push the change feed to your endpoint (token clients only)."""

    queryset = Webhook.objects.none()  # each client's own, in get_queryset
    serializer_class = WebhookSerializer
    permission_classes = [IsAuthenticated]
    renderer_classes = [JSONRenderer]
    parser_classes = [JSONParser]
    pagination_class = None
    http_method_names = ["get", "post", "patch", "delete", "head", "options"]

    def allowed_query_params(self):
        return {"format"}

    def get_queryset(self):
        return Webhook.objects.filter(owner=self.request.user).order_by("id")

    def get_serializer_class(self):
        if self.action == "create":
            return WebhookCreatedSerializer
        if self.action == "deliveries":
            return WebhookDeliverySerializer
        return WebhookSerializer

    def _checked(self, webhook: Webhook) -> Webhook:
        try:
            webhook.full_clean(exclude=["owner", "secret"])
        except DjangoValidationError as exc:
            raise serializers.ValidationError(exc.message_dict) from None
        return webhook

    def perform_create(self, serializer):
        serializer.validated_data.pop("status", None)  # a new webhook is active
        webhook = Webhook(
            owner=self.request.user, cursor=end_cursor(), **serializer.validated_data
        )
        self._checked(webhook).save()
        serializer.instance = webhook

    def perform_update(self, serializer):
        webhook = serializer.instance
        was = webhook.status
        for name, value in serializer.validated_data.items():
            setattr(webhook, name, value)
        self._checked(webhook)
        if webhook.status == WebhookStatus.ACTIVE and was == WebhookStatus.PAUSED:
            webhook.save()
            webhook_resume(webhook=webhook)
        else:
            if webhook.status == WebhookStatus.PAUSED and was == WebhookStatus.ACTIVE:
                webhook.paused_at = timezone.now()
                webhook.paused_reason = "Paused by its owner."
            webhook.save()

    @extend_schema(
        summary="The latest deliveries of a webhook",
        responses=WebhookDeliverySerializer(many=True),
    )
    @action(detail=True, methods=["get"])
    def deliveries(self, request, *args, **kwargs):
        webhook = self.get_object()
        rows = webhook.deliveries.order_by("-id")[:RECENT_DELIVERIES]
        return Response(WebhookDeliverySerializer(rows, many=True).data)
