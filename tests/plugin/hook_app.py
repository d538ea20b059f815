"""The source of a webhook handler a user would write (FastAPI), for pytester runs: it answers
the handshake, keeps each notification in ``seen``, and with ``SEEN_FILE`` set also appends each
event's status code to that file."""

HOOK_APP = """
import json, os
from fastapi import FastAPI, Request, Response

app = FastAPI()
seen = []


@app.post("/rc/hook")
async def hook(request: Request) -> Response:
    token = request.headers.get("validation-token")
    if token:
        return Response(headers={"Validation-Token": token})
    body = await request.json()
    seen.append(body)
    if os.environ.get("SEEN_FILE"):
        with open(os.environ["SEEN_FILE"], "a") as out:
            out.write(json.dumps(body["body"]["parties"][0]["status"]["code"]) + "\\n")
    return Response()
"""
