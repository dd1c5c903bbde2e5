# syntax=docker/dockerfile:1
FROM python:3.11.7-slim-bookworm

ENV PYTHONDONTWRITEBYTECODE=1 PYTHONUNBUFFERED=1 PIP_NO_CACHE_DIR=1 PIP_DISABLE_PIP_VERSION_CHECK=1

WORKDIR /opt/reconciler
COPY pyproject.toml README.md ./
COPY reconciler ./reconciler
COPY schemas ./schemas
RUN rm -f reconciler/schemas && cp -r schemas reconciler/schemas \
    && pip install . \
    && useradd --create-home --uid 10001 reconciler

USER reconciler
WORKDIR /work
ENTRYPOINT ["reconciler"]
CMD ["--help"]
