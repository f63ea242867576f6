# Production image: the portal with WeasyPrint's system libraries and the project's fonts.
FROM python:3.11-slim-bookworm
ENV PYTHONDONTWRITEBYTECODE=1 PYTHONUNBUFFERED=1
RUN apt-get update && apt-get install -y --no-install-recommends \
        libpango-1.0-0 libpangoft2-1.0-0 libharfbuzz0b libfontconfig1 poppler-utils postgresql-client \
    && rm -rf /var/lib/apt/lists/*
WORKDIR /app
COPY pyproject.toml ./
COPY . .
RUN pip install --no-cache-dir . && python manage.py collectstatic --noinput
RUN useradd --system --home /app portal && mkdir -p /app/media /app/private && chown portal /app/media /app/private
USER portal
EXPOSE 8000
CMD ["gunicorn", "laomo_portal.wsgi:application", "--bind", "0.0.0.0:8000", "--workers", "4"]
