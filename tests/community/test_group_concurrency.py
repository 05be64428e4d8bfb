"""Two people taking the last place of a group at the same moment: only one gets it.

The group row is locked while members are counted (select_for_update). SQLite serialises
writers anyway, so the race this guards against only exists on PostgreSQL.
"""

import threading

import pytest
from django.core.exceptions import ValidationError
from django.db import close_old_connections, connection

from community import services
from community.models import GroupMembership, IntervisionGroup
from tests.factories import UserFactory, group_create


@pytest.mark.django_db(transaction=True)
def test_only_one_of_two_simultaneous_joins_gets_the_last_place():
    if connection.vendor != "postgresql":
        pytest.skip("row locks only matter on PostgreSQL; set DATABASE_URL to run this race")
    group = group_create(visibility=IntervisionGroup.Visibility.OPEN, member_cap=2)
    people = [UserFactory(), UserFactory()]
    barrier = threading.Barrier(2)
    outcomes = []

    def join(person):
        try:
            barrier.wait()
            services.group_member_join(actor=person, group=group)
            outcomes.append("joined")
        except ValidationError:
            outcomes.append("full")
        finally:
            close_old_connections()

    threads = [threading.Thread(target=join, args=(person,)) for person in people]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    assert sorted(outcomes) == ["full", "joined"]
    assert GroupMembership.objects.filter(group=group).count() == 2
