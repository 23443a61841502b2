"""Request bodies and answers of the Docmost write API (seed section 6.7)."""

from typing import Any

from rest_framework import serializers

from bridge_api.serializers.common import BodySerializer
from hub.services import docmost as dw


def _markdown_size(value: str) -> None:
    if len(value.encode()) > dw.MARKDOWN_MAX_BYTES:
        raise serializers.ValidationError(
            f"At most {dw.MARKDOWN_MAX_BYTES} bytes of Markdown (UTF-8)."
        )


def _markdown_field(**kwargs: Any) -> serializers.CharField:
    return serializers.CharField(
        allow_blank=True,
        trim_whitespace=False,
        validators=[_markdown_size],
        help_text=f"The page body in Markdown, at most {dw.MARKDOWN_MAX_BYTES} bytes.",
        **kwargs,
    )


def _title_field(**kwargs: Any) -> serializers.CharField:
    return serializers.CharField(max_length=255, **kwargs)


def _icon_field(**kwargs: Any) -> serializers.CharField:
    return serializers.CharField(
        max_length=16, help_text="One emoji (at most 16 characters).", **kwargs
    )


def _page_ref_field(**kwargs: Any) -> serializers.RegexField:
    return serializers.RegexField(
        dw.PAGE_REF_RE,
        error_messages={"invalid": "Must be a Docmost page id (a UUID or a 10-character slugId)."},
        **kwargs,
    )


class DocmostPageCreateInputSerializer(BodySerializer):
    space_id = serializers.RegexField(
        dw.UUID_RE,
        error_messages={"invalid": "Must be a Docmost space id (a UUID)."},
        help_text="The Docmost space (UUID).",
    )
    title = _title_field()
    markdown = _markdown_field(required=False)
    parent_page_id = _page_ref_field(
        required=False, allow_null=True, default=None, help_text="Parent page, in the same space."
    )
    icon = _icon_field(required=False, allow_null=True, default=None)


class DocmostPageUpdateInputSerializer(BodySerializer):
    min_properties = 1

    title = _title_field(required=False)
    markdown = _markdown_field(required=False)
    icon = _icon_field(required=False)

    def validate(self, attrs: dict[str, Any]) -> dict[str, Any]:
        if not attrs:
            raise serializers.ValidationError("Give at least one of title, markdown, icon.")
        return attrs


class DocmostCollectionCreateInputSerializer(BodySerializer):
    name = serializers.CharField(min_length=2, max_length=100)
    slug = serializers.RegexField(
        dw.SPACE_SLUG_RE,
        min_length=2,
        max_length=100,
        required=False,
        error_messages={
            "invalid": "Use letters, digits, '-' and '_', starting with a letter or a digit."
        },
        help_text="Unique in the workspace (case-insensitively). Default: the name's lower-case "
        "ASCII letters and digits, which every Docmost version accepts ('-' and '_' need "
        "Docmost 0.95 or later).",
    )
    description = serializers.CharField(
        required=False, allow_blank=True, max_length=500, default=""
    )


class DocmostShareLinkCreateInputSerializer(BodySerializer):
    page_id = _page_ref_field(help_text="The page to share (UUID or slugId).")
    include_sub_pages = serializers.BooleanField(required=False, default=False)


class DocmostPageSerializer(serializers.Serializer):
    page_id = serializers.CharField()
    slug_id = serializers.CharField()
    title = serializers.CharField(allow_null=True)
    space_id = serializers.CharField()
    parent_page_id = serializers.CharField(allow_null=True)
    url_path = serializers.CharField(
        required=False,
        help_text="`/s/<space slug>/p/<slugified title>-<slugId>` in Docmost's web client; "
        "only when known without another Docmost call (after an update, not a creation).",
    )

    def to_representation(self, instance: Any) -> Any:
        data = super().to_representation(instance)
        if data.get("url_path") is None:
            data.pop("url_path", None)  # not known: left out, never null
        return data


class DocmostCollectionSerializer(serializers.Serializer):
    space_id = serializers.CharField()
    name = serializers.CharField()
    slug = serializers.CharField()


class DocmostShareLinkSerializer(serializers.Serializer):
    share_id = serializers.CharField()
    key = serializers.CharField(help_text="The public link is `<Docmost URL>/share/<key>/p/…`.")
    page_id = serializers.CharField()
    include_sub_pages = serializers.BooleanField(
        help_text="As stored by Docmost: an existing share is returned unchanged."
    )
    url_path = serializers.CharField(
        required=False,
        help_text="`/share/<key>/p/<slugified title>-<slugId>`, only when known without "
        "another Docmost call.",
    )
