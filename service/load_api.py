"""POST /api/load: listing (or feed) files uploaded and loaded as ``stackgraph load`` loads them.

Only in a service with a token (service/app.py includes this router then) and only with it
(service/auth.py). Each upload is saved under a name of the service's choosing in a fresh
temporary directory; the client's file name is used in messages only. By default an invalid
episode in any file loads nothing (422 naming the file and line), as on the command line.
"""

from __future__ import annotations

import shutil
import tempfile
import threading
from pathlib import Path

from fastapi import APIRouter, File, HTTPException, UploadFile
from pydantic import BaseModel, Field

from loaders.listing import ListingError
from loaders.pipeline import LoadError, load_listings
from service.auth import Authorized
from service.deps import Store
from service.problems import RESPONSES, problem_response

router = APIRouter(prefix="/api", tags=["load"], dependencies=[Authorized], responses={
    **RESPONSES,
    401: problem_response("No bearer token, or not the service's"),
    413: problem_response("An upload past the size limit"),
})

# Two loads at once would interleave their batches on the store's one write pipeline.
one_load_at_a_time = threading.Lock()


class Counts(BaseModel):
    nodes: dict[str, int]
    relationships: dict[str, int]


class LoadSummary(BaseModel):
    """As ``stackgraph load --format json`` prints it."""

    store: str
    files: int
    episodes: int = Field(description="Distinct episodes loaded (an episode listed twice counts once).")
    listed: int
    repeated: int
    skipped: list[str] = Field(description="The invalid episodes left out (with skip_invalid), as FILE:LINE: why.")
    added: Counts = Field(description="What the load added, per label and relationship type.")


def named(error: ListingError, names: dict[str, str]) -> str:
    """``error`` as FILE:LINE: why, FILE the name the client gave the upload.

    >>> named(ListingError("/tmp/x/0", 12, "bad date"), {"/tmp/x/0": "episodes.txt"})
    'episodes.txt:12: bad date'
    """
    source = names.get(error.source, error.source)
    return f"{source}:{error.line}: {error.message}" if error.line is not None else f"{source}: {error.message}"


@router.post("/load", response_model=LoadSummary)
def load(store: Store, files: list[UploadFile] = File(description="Listing or RSS/Atom feed files."),
         skip_invalid: bool = False) -> LoadSummary:
    """Load the uploaded listing or feed files into the store: what it added.

    422 when an episode is invalid (naming the file and line; nothing is written) unless
    ``skip_invalid``, which loads the valid episodes and lists the others as ``skipped``.
    """
    with tempfile.TemporaryDirectory(prefix="stackgraph-upload-") as directory:
        names: dict[str, str] = {}
        for number, upload in enumerate(files, start=1):
            path = Path(directory) / str(number)
            with open(path, "wb") as saved:
                shutil.copyfileobj(upload.file, saved)
            names[str(path)] = upload.filename or f"upload {number}"
        try:
            with one_load_at_a_time:
                report = load_listings(list(map(Path, names)), store, skip_invalid=skip_invalid)
        except LoadError as error:
            more = f" (and {len(error.errors) - 1} more invalid episode(s))" if len(error.errors) > 1 else ""
            raise HTTPException(422, f"{named(error.errors[0], names)}{more}; nothing was loaded") from None
        except ListingError as error:  # a file that cannot be read at all
            raise HTTPException(422, f"{named(error, names)}; nothing was loaded") from None
    return LoadSummary(store=store.describe(), files=report.files, episodes=report.episodes - report.repeated,
                       listed=report.episodes, repeated=report.repeated,
                       skipped=[named(error, names) for error in report.skipped], added=Counts(**report.added()))
