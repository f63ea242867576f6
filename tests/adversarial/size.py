"""The size of the adversarial matrix: ``python -m tests.adversarial.size``.

Doors × roles × payload classes, and the number of requests the plans actually send (the
plans need the world, so this builds it in a throw-away test database).
"""

import os
import sys


def matrix_size(world) -> dict:
    from .doors import PAYLOAD_CLASSES, all_doors
    from .matrix import ROLES, Discovery, discover, plan

    doors = all_doors()
    requests = 0
    for door in doors:
        discovery = world.discoveries.get(door.id) if hasattr(world, "discoveries") else None
        if discovery is None:
            discovery = (
                discover(door, world.clients["staff_verified"], world)
                if hasattr(world, "clients")
                else Discovery()
            )
        for role in ROLES:
            requests += len(plan(door, role, world, discovery))
    return {
        "doors": len(doors),
        "roles": len(ROLES),
        "payload_classes": len(PAYLOAD_CLASSES),
        "cells": len(doors) * len(ROLES) * len(PAYLOAD_CLASSES),
        "tests": len(doors) * len(ROLES),
        "requests": requests,
    }


def main():
    sys.path.insert(0, os.getcwd())
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "laomo_portal.test_settings")
    import django

    django.setup()
    from django.db import connection, transaction
    from django.test import Client
    from django.test.utils import override_settings, setup_test_environment
    from django_otp import DEVICE_ID_SESSION_KEY

    from .world import build_world

    setup_test_environment()
    old_name = connection.creation.create_test_db(verbosity=0, autoclobber=True)
    try:
        with override_settings(OTP_REQUIRED_FOR_ASSOCIATION=True), transaction.atomic():
            world = build_world()
            client = Client(raise_request_exception=False)
            client.force_login(world.users["staff_verified"])
            session = client.session
            session[DEVICE_ID_SESSION_KEY] = world.verified_device.persistent_id
            session.save()
            world.clients = {"staff_verified": client}
            size = matrix_size(world)
            transaction.set_rollback(True)
    finally:
        connection.creation.destroy_test_db(old_name, verbosity=0)
    for key, value in size.items():
        print(f"{key}: {value}")


if __name__ == "__main__":
    main()
