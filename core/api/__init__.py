"""The API kernel: scoped base viewsets, authentication doors, throttles, filtering, pagination."""
