"""The HTML cards Docmost pages frame (`embed` nodes, provider `iframe`): a personne, a projet,
a formation's modules still to assign. 640×260, Docmost's look, light and dark, no script.

A browser loads them without any token: each request must carry a signed URL
(`embeds.signing`), and every card view declares `signed_url_guard` (the start-up check refuses
one that does not). Anything else is a small card-shaped HTML message, never JSON: 403 for a
bad, expired or retired signature, 404 for a row that does not exist, 502 when Baserow fails.

The data comes from the read API's selectors and cache (a warm card costs no Baserow call); the
card reloads itself every `REFRESH_SECONDS`, and its ETag makes an unchanged one a 304. Only the
configured Docmost origins may frame it (CSP `frame-ancestors`).
"""

import logging
from typing import Any, ClassVar

from csp.constants import NONE, UNSAFE_INLINE
from django.http import HttpRequest, HttpResponse, HttpResponseNotModified
from django.template.loader import render_to_string
from django.utils.decorators import method_decorator
from django.views import View
from django.views.decorators.clickjacking import xframe_options_exempt

from embeds.origins import docmost_origins
from embeds.signing import CardSignatureInvalid, card_url_sign, card_url_verify
from hub.errors import ApplicationError, ErrorCode, application_error
from hub.etags import etag_matches, etag_of
from hub.queries import ascii_int
from hub.selectors.formations import formation_modules_a_attribuer, is_a_attribuer
from hub.selectors.personnes import personne_retrieve_by_slug
from hub.selectors.projets import projet_retrieve
from hub.selectors.rapports import formation_rapport, personne_rapport, projet_rapport

logger = logging.getLogger("bridge.cards")

REFRESH_SECONDS = 60
# Rows of the modules card that fit its 260 px.
MODULES_SHOWN = 6

# Each refusal's title, and the message of those whose reason is not a signature's.
REFUSALS = {
    403: ("Carte non autorisée", ""),
    404: ("Introuvable", "Cette fiche n'existe pas (ou plus) dans Baserow."),
    502: (
        "Données indisponibles",
        "Baserow ne répond pas pour l'instant ; la carte se rechargera d'elle-même.",
    ),
}


def _framable(response: HttpResponse) -> HttpResponse:
    origins = docmost_origins()
    response._csp_replace = {  # type: ignore[attr-defined]
        "frame-ancestors": origins or [NONE],
        "style-src": [UNSAFE_INLINE],
    }
    response["Cache-Control"] = "private, no-cache"
    return response


@method_decorator(xframe_options_exempt, name="dispatch")
class CardView(View):
    """Base of the cards: checks the signature, loads, renders, answers 304 when unchanged."""

    signed_url_guard: ClassVar[bool] = True
    kind: ClassVar[str]
    http_method_names: ClassVar[list[str]] = ["get", "head"]  # type: ignore[misc]

    def ident(self, request: HttpRequest, **kwargs: Any) -> str:
        raise NotImplementedError

    def context(self, ident: str) -> dict[str, Any]:
        raise NotImplementedError

    def allowed_without_signature(self, request: HttpRequest) -> bool:
        return False

    def page_url(self, kind: str, ident: int) -> str:
        """The full page's URL, signed to expire with the card's own (the card links to it)."""
        if self.expires_at is None:
            return card_url_sign(kind=kind, ident=ident, expires_in=0).url
        return card_url_sign(kind=kind, ident=ident, expires_at=self.expires_at).url

    def get(self, request: HttpRequest, **kwargs: Any) -> HttpResponse:
        ident = self.ident(request, **kwargs)
        self.expires_at: int | None = None
        if not self.allowed_without_signature(request):
            try:
                self.expires_at = card_url_verify(
                    kind=self.kind, ident=ident, token=request.GET.get("s")
                )
            except CardSignatureInvalid as exc:
                logger.info("bridge.cards.refused", extra={"kind": self.kind, "reason": str(exc)})
                return refused(403, str(exc))
        try:
            context = self.context(ident)
        except Exception as exc:
            error = exc if isinstance(exc, ApplicationError) else application_error(exc)
            if error is None:
                raise
            status = 404 if error.code is ErrorCode.NOT_FOUND else 502
            return refused(status)
        context.setdefault("refresh", REFRESH_SECONDS)
        body = render_to_string(f"embeds/{self.kind}.html", context)
        etag = etag_of(body)
        response: HttpResponse
        if etag_matches(request.headers.get("If-None-Match"), etag):
            response = HttpResponseNotModified()
        else:
            response = HttpResponse(body, content_type="text/html; charset=utf-8")
        response["ETag"] = etag
        return _framable(response)


def refused(status: int, reason: str = "") -> HttpResponse:
    """A card-shaped refusal (never JSON): 403 with the signature's `reason`, 404, 502."""
    title, message = REFUSALS[status]
    body = render_to_string(
        "embeds/refused.html",
        {"title": title, "message": reason or message, "refresh": REFRESH_SECONDS * 5},
    )
    return _framable(HttpResponse(body, status=status, content_type="text/html; charset=utf-8"))


class PersonneCardView(CardView):
    kind = "personne"

    def ident(self, request: HttpRequest, **kwargs: Any) -> str:
        return str(kwargs["slug"])

    def context(self, ident: str) -> dict[str, Any]:
        personne = personne_retrieve_by_slug(slug=ident)
        return {"personne": personne, "page": self.page_url("page-personne", personne.personne_id)}


class ProjetCardView(CardView):
    kind = "projet"

    def ident(self, request: HttpRequest, **kwargs: Any) -> str:
        return str(kwargs["pk"])

    def context(self, ident: str) -> dict[str, Any]:
        projet = projet_retrieve(projet_id=int(ident))
        return {"projet": projet, "page": self.page_url("page-projet", projet.projet_id)}


class ModulesAAttribuerCardView(CardView):
    kind = "modules-a-attribuer"

    def ident(self, request: HttpRequest, **kwargs: Any) -> str:
        return request.GET.get("formation", "")

    def context(self, ident: str) -> dict[str, Any]:
        formation_id = ascii_int(ident)
        if formation_id is None:
            raise ApplicationError(ErrorCode.NOT_FOUND, "formation must be a row id")
        data = formation_modules_a_attribuer(formation_id=formation_id)
        return {
            "data": data,
            "shown": data.modules[:MODULES_SHOWN],
            "hidden": max(0, len(data.modules) - MODULES_SHOWN),
            "page": self.page_url("page-formation", data.formation.formation_id),
        }


class PageView(CardView):
    """A full page in Docmost's look (linked from the cards): the report's data, without the
    charts. A signed URL, or the session of a staff user (the admin's)."""

    def ident(self, request: HttpRequest, **kwargs: Any) -> str:
        return str(kwargs["pk"])

    def allowed_without_signature(self, request: HttpRequest) -> bool:
        user = getattr(request, "user", None)
        return bool(user is not None and user.is_authenticated and user.is_staff)


class PersonnePageView(PageView):
    kind = "page-personne"

    def context(self, ident: str) -> dict[str, Any]:
        data = personne_rapport(personne_id=int(ident))
        return {"data": data, "personne": data.personne, "refresh": None}


class ProjetPageView(PageView):
    kind = "page-projet"

    def context(self, ident: str) -> dict[str, Any]:
        data = projet_rapport(projet_id=int(ident))
        return {"data": data, "projet": data.projet, "refresh": None}


class FormationPageView(PageView):
    kind = "page-formation"

    def context(self, ident: str) -> dict[str, Any]:
        data = formation_rapport(formation_id=int(ident))
        formateurs = {m.module_id: m.formateurs for m in data.formateurs_par_module}
        blocs = [
            (bloc, [(m, formateurs.get(m.module_id, []), is_a_attribuer(m)) for m in bloc.modules])
            for bloc in data.formation.blocs
        ]
        return {"data": data, "formation": data.formation, "blocs": blocs, "refresh": None}
