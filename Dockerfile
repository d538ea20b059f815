# ringout-emulator: a local emulator of RingCentral's RingOut API.
#   docker build -t ringout-emulator .
#   docker run --rm -p 8080:8080 ringout-emulator
# Every setting is an env var RINGOUT_EMULATOR_<FIELD> (see the README).

# Build stage: the project as a wheel (the bundled scenarios, accounts file and openapi.yaml go
# inside it), installed, not editable, into a virtualenv that the runtime stage copies whole.
# phonenumbers is then swapped for phonenumberslite, in the range the project asks phonenumbers
# for (read from the installed metadata; lite releases can trail by a day, so not "the same
# version"): the same `phonenumbers` import package without the ~40 MB of geocoding, carrier and
# time-zone data the emulator never reads (it only parses, checks and formats). Exactly one of
# the two is ever installed: both write the same files. pip goes last; scripts/ci-container
# checks the result.
FROM python:3.12-slim AS build
WORKDIR /src
COPY pyproject.toml README.md openapi.yaml ./
COPY emulator ./emulator
COPY scenarios ./scenarios
COPY accounts ./accounts
ENV PIP_NO_CACHE_DIR=1 PIP_DISABLE_PIP_VERSION_CHECK=1
RUN python -m venv /opt/ringout-emulator \
    && /opt/ringout-emulator/bin/pip install . \
    && LITE=$(/opt/ringout-emulator/bin/python -c "import importlib.metadata as m; print(*[r.replace('phonenumbers', 'phonenumberslite', 1) for r in m.requires('ringout-emulator') if r.startswith('phonenumbers')])") \
    && /opt/ringout-emulator/bin/pip uninstall --yes phonenumbers \
    && /opt/ringout-emulator/bin/pip install --no-deps "$LITE" \
    && /opt/ringout-emulator/bin/pip uninstall --yes pip

FROM python:3.12-slim
ENV PATH=/opt/ringout-emulator/bin:$PATH \
    PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    RINGOUT_EMULATOR_HOST=0.0.0.0 \
    RINGOUT_EMULATOR_PORT=8080
COPY --from=build /opt/ringout-emulator /opt/ringout-emulator
RUN useradd --system --uid 10001 --no-create-home --shell /usr/sbin/nologin emulator
USER 10001:10001
EXPOSE 8080
HEALTHCHECK --interval=5s --timeout=3s --start-period=10s --retries=3 \
    CMD ["python", "-c", "import os, urllib.request; urllib.request.urlopen('http://127.0.0.1:%s/__emulator/ready' % os.environ.get('RINGOUT_EMULATOR_PORT', '8080'), timeout=2)"]
# exec form: the emulator (uvicorn) is PID 1, gets SIGTERM from `docker stop` and exits within ~1 s
CMD ["ringout-emulator"]
