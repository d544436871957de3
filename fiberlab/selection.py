"""Which models a run or a sweep runs: one function, select_models(), for both.

Contract: select_models() either refuses (UsageError: one line, exit 2) before
anything runs and before anything is printed, or returns a Selection: for each
planned (scenario, params), the models kept, and the models left out with the
one line that says why. It prints nothing; the caller says the lines, so a
refused run prints nothing but its refusal.

Models named in --models (explicit) are the user's request: one that cannot run
is refused. With the default models, one that cannot run is left out instead:
native models without a C++ compiler (said once), a model without its file in a
scenario (said once per scenario; a native model where the scenario has no C++
file is left out without a word, as most scenarios have none), and a model that
will not take a size (Model.refusal, or the scenario's Spec.refusal for it; said per point).
Without --memory-limit, a size whose estimate exceeds the memory available is
refused (fiberlab/memory_guard.py); with it, the cap decides per model.
"""

import dataclasses

from fiberlab import memory_guard, native
from fiberlab.models import all_models
from fiberlab.options import UsageError


@dataclasses.dataclass(frozen=True)
class LeftOut:
    model_id: str
    why: str  # the line that says why; "" where leaving it out goes without saying


@dataclasses.dataclass(frozen=True)
class Choice:
    """The models one planned (scenario, params) runs, and those it leaves out."""
    scenario: str
    kept: tuple[str, ...]
    left_out: tuple[LeftOut, ...]

    def notes(self):
        return [item.why for item in self.left_out if item.why]


@dataclasses.dataclass(frozen=True)
class Selection:
    everywhere: tuple[LeftOut, ...]  # left out of every plan (native models without a compiler)
    choices: tuple[Choice, ...]  # one per plan, in the plans' order

    def notes(self):
        """The lines said once, before the first plan runs."""
        return list(dict.fromkeys(item.why for item in self.everywhere if item.why))


def select_models(plans, model_ids, explicit, memory_limit_bytes):
    """The Selection for plans [(scenario, spec, params)] and the ids asked for, in their order;
    explicit: the ids were named in --models. Raises UsageError for what the user may not ask."""
    known = all_models()
    without_compiler, no_compiler = _native_without_compiler(model_ids)
    if explicit and no_compiler:
        raise UsageError(f"{', '.join(without_compiler)}: {no_compiler}")
    for name in dict.fromkeys(name for name, _spec, _params in plans):
        for model_id in model_ids:
            if explicit and not known[model_id].has_file(name):
                raise UsageError(f"scenario {name} has no file for model {model_id} "
                                 f"(scenarios/{name}/{known[model_id].source_name}); leave {model_id} out of --models")
    for name, spec, params in plans:
        for model_id in model_ids:
            reason = _refusal(known[model_id], name, spec, params) if explicit and known[model_id].has_file(name) else None
            if reason:
                raise UsageError(f"{name}: {reason}; lower the size or leave {model_id} out of --models")
    if memory_limit_bytes is None:
        for name, spec, params in plans:
            running = [model_id for model_id in model_ids
                       if known[model_id].has_file(name) and not _refusal(known[model_id], name, spec, params)]
            reason = memory_guard.refusal(name, spec, params, running)
            if reason:
                raise UsageError(reason)
    everywhere = tuple(LeftOut(model_id, f"{', '.join(without_compiler)} left out: {no_compiler}")
                       for model_id in without_compiler)
    candidates = [model_id for model_id in model_ids if model_id not in without_compiler]
    choices, said = [], set()
    for name, spec, params in plans:
        no_file = [known[model_id] for model_id in candidates if not known[model_id].has_file(name)]
        left_out = [LeftOut(model.id, "" if model.native or (name, model.id) in said
                            else f"{name}: no {model.source_name} for model {model.id} yet; left out")
                    for model in no_file]
        said.update((name, model.id) for model in no_file)
        kept = []
        for model_id in candidates:
            if any(model.id == model_id for model in no_file):
                continue
            if reason := _refusal(known[model_id], name, spec, params):
                left_out.append(LeftOut(model_id, f"{name}: {reason}; {model_id} left out"))
            else:
                kept.append(model_id)
        choices.append(Choice(name, tuple(kept), tuple(left_out)))
    return Selection(everywhere, tuple(choices))


def _refusal(model, name, spec, params):
    """None if the model takes this run, else why not: the model's own limit (Model.refusal)
    or the scenario's for this model (Spec.refusal)."""
    return model.refusal(name, params) or (spec.refusal(model.id, params) if spec.refusal else None)


def _native_without_compiler(model_ids):
    """(the native models among model_ids, why they cannot be built) or ([], None)."""
    wanted = [model_id for model_id in model_ids if all_models()[model_id].native]
    reason = native.unavailable() if wanted else None
    return (wanted, reason) if reason else ([], None)
