"""Record what the real qubes-core-admin-client parsers accept.

Run from a checkout of QubesOS/qubes-core-admin-client at a release branch (release4.2 with Python 3.11 = Fedora 37's,
release4.3 with Python 3.13 = Fedora 41's), with this directory's parent on nothing else:

  cd <checkout>; python3.X <this file> grammar 'BRANCH@COMMIT' > grammar.json          # the parsers' argparse definitions, as data
  cd <checkout>; python3.X <this file> verdicts < cases.json > out.json # exit status and stderr of each argv

It only builds the parsers and calls argparse's own parse_args (qubesd is never contacted, the tools' main() never
runs); qvm-pool's legacy-option check (qvm_pool.py uses_legacy_options) is run first, as main() does.
"""
import argparse
import contextlib
import importlib
import importlib.metadata
import io
import json
import sys

sys.path.insert(0, '.')
_metadata = importlib.metadata.metadata
# 4.3's QubesArgumentParser reads the installed package's metadata for --version; a bare checkout has none.
importlib.metadata.metadata = lambda name: (
    {'summary': 'x', 'version': '0', 'author': 'x', 'license': 'x'} if name == 'qubesadmin' else _metadata(name))

TOOLS = ['qvm-pool', 'qvm-volume', 'qvm-prefs', 'qubes-prefs', 'qvm-clone', 'qvm-create', 'qvm-remove', 'qvm-ls', 'qvm-shutdown']


def build(tool):
    sys.argv[0] = tool  # argparse takes prog from argv[0] when a module-level parser is built at import
    mod = importlib.import_module('qubesadmin.tools.' + tool.replace('-', '_'))
    if tool == 'qvm-prefs':
        return mod, mod.get_parser(1)  # as qvm_prefs.main() builds it
    if hasattr(mod, 'get_parser'):
        return mod, mod.get_parser()
    return mod, mod.parser


def kind_of(action):
    names = [c.__name__ for c in type(action).__mro__]
    for k, n in [('single-property', 'SinglePropertyAction'), ('help', '_HelpAction'), ('version', '_VersionAction'), ('subparsers', '_SubParsersAction'),
                 ('property', 'PropertyAction'), ('count', '_CountAction'), ('append', '_AppendAction')]:
        if n in names:
            return k
    return 'store'


def dump_parser(p):
    actions = []
    sub = None
    for a in p._actions:
        # Only what changes how argv parses; defaults are left out to keep the recorded file readable.
        entry = {'options': list(a.option_strings), 'dest': a.dest, 'kind': kind_of(a)}
        if a.nargs is not None:
            entry['nargs'] = a.nargs
        if a.required:
            entry['required'] = True
        if isinstance(a.metavar, str):
            entry['metavar'] = a.metavar
        if a.type is int:
            entry['int'] = True
        if kind_of(a) == 'single-property':
            entry['name'] = a.name
            if a.const is not None:
                entry['const'] = a.const
        if a.choices and not isinstance(a, argparse._SubParsersAction):
            entry['choices'] = sorted(a.choices)
        if isinstance(a, argparse._SubParsersAction):
            parsers, names = [], []  # names in argparse's order: it lists them so in "invalid choice" errors
            for name, sp in a._name_parser_map.items():
                if sp not in parsers:
                    parsers.append(sp)
                names.append([name, parsers.index(sp)])
            sub = {'names': names, 'parsers': [dump_parser(sp) for sp in parsers]}
        actions.append(entry)
    groups = [{'required': bool(g.required), 'members': [p._actions.index(a) for a in g._group_actions]}
              for g in p._mutually_exclusive_groups]
    return {'prog': p.prog, 'usage': p.format_usage(), 'actions': actions, 'groups': groups, 'subparsers': sub}


def verdict(tool, argv):
    mod, p = build(tool)
    err, out = io.StringIO(), io.StringIO()
    code, legacy = 0, False
    try:
        with contextlib.redirect_stderr(err), contextlib.redirect_stdout(out):
            if tool == 'qvm-pool':
                class Legacy(Exception):
                    pass

                def legacy_main(*_):
                    raise Legacy()
                mod.qubesadmin.tools.qvm_pool_legacy.main = legacy_main
                try:
                    mod.uses_legacy_options(argv, None)
                except Legacy:
                    legacy = True
            if not legacy:
                argparse.ArgumentParser.parse_args(p, argv)
    except SystemExit as e:
        code = e.code if isinstance(e.code, int) else (0 if e.code is None else 1)
    return {'tool': tool, 'argv': argv, 'exit': code, 'legacy': legacy, 'stderr': err.getvalue(),
            'stdoutEmpty': out.getvalue() == ''}


if __name__ == '__main__':
    if sys.argv[1] == 'grammar':
        json.dump({'recordedFrom': sys.argv[2], 'python': sys.version.split()[0],
                   'tools': {t: dump_parser(build(t)[1]) for t in TOOLS}}, sys.stdout, indent=1, sort_keys=True)
    else:
        json.dump([verdict(t, a) for t, a in json.load(sys.stdin)], sys.stdout, indent=1)
    sys.stdout.write('\n')
