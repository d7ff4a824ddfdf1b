"""/companies/{slug} (its stack by category, hosting, guests and episodes, similar companies,
recommendations) and /people/{slug}."""

from __future__ import annotations

from itertools import groupby

from fastapi import APIRouter
from fastapi.responses import HTMLResponse

from queries.company import company_profile
from queries.hosting import company_hosting
from queries.person import person
from queries.recommend import recommend
from queries.similar import similar
from service.deps import Projection, Store
from service.pages_render import PageRoute, render

router = APIRouter(route_class=PageRoute)


@router.get("/companies/{slug:path}")
def company_page(store: Store, projection: Projection, slug: str) -> HTMLResponse:
    found = company_profile(store, slug)
    stack = found.stack
    by_category = [(category, list(items)) for category, items in groupby(
        sorted(stack, key=lambda item: (item.category, item.name.lower())), key=lambda item: item.category)]
    return render("company.html", title=found.name, company=found, stack=by_category, stack_size=len(stack),
                  hosted_on=company_hosting(store, found.company),
                  similar=similar(store, found.company, limit=10, projection=projection),
                  recommendations=recommend(store, found.company, limit=10, projection=projection))


@router.get("/people/{slug:path}")
def person_page(store: Store, slug: str) -> HTMLResponse:
    found = person(store, slug)
    return render("person.html", title=found.name, person=found)
