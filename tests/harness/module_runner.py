"""Run one module on localhost, through pytest-ansible when it is installed.

pytest-ansible is deprecated upstream (end of life December 2026); nothing
else in the harness depends on it, and without it the same calls go
through the `ansible` command instead.
"""

import warnings


def _pytest_ansible_manager(inventory):
    """A pytest-ansible host manager, or None when the plugin is unavailable."""
    try:
        from pytest_ansible.host_manager.utils import get_host_manager  # pylint: disable=import-outside-toplevel
    except ImportError:
        return None
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", DeprecationWarning)
        return get_host_manager(inventory=str(inventory), connection="local")


class ModuleRunner:
    """`runner(module, **args) -> dict`: the module's result on localhost."""

    def __init__(self, ansible_env, prefer_pytest_ansible=True):
        self.ansible_env = ansible_env
        self.manager = (_pytest_ansible_manager(ansible_env.inventory)
                        if prefer_pytest_ansible else None)

    @property
    def backend(self):
        return "pytest-ansible" if self.manager is not None else "ansible-command"

    def __call__(self, module, **args):
        if self.manager is not None:
            with warnings.catch_warnings():
                warnings.simplefilter("ignore", DeprecationWarning)
                # Each call re-initialises ansible's plugin loader, which warns.
                warnings.filterwarnings("ignore", "AnsibleCollectionFinder has already been configured")
                contacted = getattr(self.manager["localhost"], module)(**args)
            return dict(contacted["localhost"])
        result = self.ansible_env.run_adhoc(module, args)
        if not result.tasks:
            raise RuntimeError("ansible ran no task:\n%s" % result)
        return result.tasks[-1]["result"]
