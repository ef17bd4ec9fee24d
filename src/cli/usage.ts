/** Help texts, kept together so that they read as one manual page. */

export const MAIN_USAGE = `Usage: evalbox <command> [options]

Commands:
  list           Saved runs in the results directory, newest first
  show           The summary table of one run file, with its artifact paths
  compare        What changed between two runs (regressions first)
  gate           Fail (exit 1) when the newest run regressed against the baseline
  baseline       \`baseline bless\`: make a finalized run the baseline that gate uses
  merge          Merge the run files of shards (vitest --shard) into one run file
  report         Write the runs as one HTML page: trends, case table, side-by-side cases
  context-bench  Bench file-backed context: large outputs as artifacts, details recovered
  image          \`image build\`: build the base image evalbox-base:bookworm-1 (Docker)

Options:
  -h, --help     Show help; \`evalbox <command> --help\` for a command
  -v, --version  Print the evalbox version

The results directory is --dir, else $EVALBOX_DIR, else .evals under the current directory.`

export const COMMAND_USAGE: Record<string, string> = {
  image: `Usage: evalbox image build [--tag T]

Builds evalbox's base image: Debian bookworm with node, python3 + pytest, git and
procps, made from Debian packages with debootstrap and imported with docker import
(no container registry needed). An image already present under the tag is reused.
Takes a minute or more and needs root, a reachable Docker engine, debootstrap (installed
with apt-get when missing) and deb.debian.org. Runs the package's
scripts/build-base-image.sh.

Options:
  --tag <image>  The image tag (default: evalbox-base:bookworm-1)`,
  list: `Usage: evalbox list [--dir D] [--tier T] [--json]

Lists the run files in the results directory, newest first, with pass counts;
runs that never finished are marked (partial).

Options:
  --dir <path>   Results directory (default: $EVALBOX_DIR, else .evals)
  --tier <name>  Only runs of this tier
  --json         Print the list as JSON`,
  show: `Usage: evalbox show <file> [--dir D] [--all] [--json]

Prints the summary table of one run file and, for each test, its run directory and
artifacts. <file> is a path, or a file name inside the results directory.

Options:
  --dir <path>   Results directory for bare file names (default: $EVALBOX_DIR, else .evals)
  --all          List every test (the table lists 50, failures first)
  --json         Print the validated run file as JSON`,
  compare: `Usage: evalbox compare [before] [after] [--dir D] [--tier T] [--all] [--json]

  no files   the newest finalized run vs the run before it
  one file   that run vs the run before it (same tier, same branch preferred)
  two files  exactly those two, earlier first

Comparing is informational: the exit code is 0 whatever changed.

Options:
  --dir <path>   Results directory (default: $EVALBOX_DIR, else .evals;
                 with one file: that file's directory)
  --tier <name>  With no files: compare the newest run of this tier
  --all          List every test (each group lists 50)
  --json         Print the comparison and its takeaways as JSON`,
  gate: `Usage: evalbox gate [--baseline F | --previous] [--dir D] [--tier T] [--alpha A]
                   [--fail-on L] [--json]

Gates the newest finalized run of a tier against the baseline (default
evals/baseline.json; its tier is used unless --tier is given) or, with --previous,
against the run before it. Cases are grouped over their repeats:
  single runs    pass → fail is a regression
  with repeats   a regression only when Fisher's exact test gives p < alpha;
                 mixed or not-significant changes are reported as flaky
Prints regressions first, then flaky cases, with pass counts (5/5 → 0/5 (p=0.004)).

Exit code: 1 when the gate fails, 0 when it passes, 2 for usage errors or a missing
baseline.

Options:
  --baseline <file>  Baseline run file; {tier} in the path is replaced by the tier
                     (default: evals/baseline.json)
  --previous         Gate against the previous finalized run instead
  --dir <path>       Results directory (default: $EVALBOX_DIR, else .evals)
  --tier <name>      Gate the newest run of this tier
  --alpha <p>        Significance level for cases with repeats (default: 0.05)
  --fail-on <list>   Outcomes that fail the gate, comma-separated: regressed,
                     still-failing, new-failure, flaky (default: regressed,
                     still-failing with --previous; regressed,new-failure
                     against a baseline)
  --json             Print the gate result as JSON`,
  baseline: `Usage: evalbox baseline bless [file] [--dir D] [--tier T] [--out F]

Copies a finalized run to the baseline file that \`evalbox gate\` compares with:
<file> if given (a path, or a file name inside the results directory), else the
newest finalized run (of --tier). Partial runs are refused. Commit the baseline.

Options:
  --dir <path>   Results directory (default: $EVALBOX_DIR, else .evals)
  --tier <name>  Bless the newest run of this tier
  --out <file>   Where to write; {tier} is replaced by the tier
                 (default: evals/baseline.json)`,
  merge: `Usage: evalbox merge <files...> [--out F | --dir D] [--force]

Merges the run files that the shards of one run wrote (vitest --shard=i/n on
several machines) into one run file of the same tier, named like any other.
Tests are sorted by file, suite, name and repeat; totals are recomputed; the
result is partial if any shard was.

Keep the shard files out of the results directory you write to (or delete them),
so that list, compare and gate see one run.

Options:
  --out <file>   Write the merged run here
  --dir <path>   Write it into this results directory under its usual name
                 (default: $EVALBOX_DIR, else .evals)
  --force        Merge runs with different branches, commits or run ids, or that
                 hold the same test twice (the tier must still match)`,
  report: `Usage: evalbox report [before after] [--dir D] [--tier T] [--out F] [--runs N]

Writes one self-contained HTML page (no network, opens from disk) and prints its
path. It shows pass rate and cost over time (one line per tier), the case table
of a run (sortable, filterable; pick any run), and one case in two runs side by
side: output, grades, the agent's tool calls and its patch. The side-by-side view
opens with the newest run and its previous finalized run of the same tier, or with
<before> and <after> when given (paths, or file names in the results directory).
Outputs and patches over 200 KB are cut, with a note.

Options:
  --dir <path>   Results directory (default: $EVALBOX_DIR, else .evals)
  --tier <name>  Only runs of this tier
  --out <file>   Where to write (default: evals-report.html)
  --runs <n>     How many of the newest runs to include (default: 30)`,
  'context-bench': `Usage: evalbox context-bench [fixtureDir] [--out D] [--no-artifacts | --ablation]
                             [--no-ablation] [--budget N] [--json]

Runs the file-backed context bench: each fixture's large tool output is moved into
an artifact, a short reference stays inline, and the hidden detail is recovered with
the fixture's tool (read, grep or tail). Writes file-backed-context-report.json,
results.md, findings-summary.md and, with the ablation, ablation.md: the same
fixtures with the output kept inline and cut to the context budget, side by side.

<fixtureDir> defaults to examples/file-backed-context/fixtures under the current
directory. Exit code: 1 when a hidden detail is not recovered with artifacts on.

Options:
  --out <dir>      Where to write (default: the results directory's context-bench
                   folder, .evals/context-bench)
  --ablation       Run with artifacts on and off and write ablation.md (the default)
  --no-ablation    Run with artifacts on only
  --no-artifacts   Run with outputs kept inline only (never exits 1 for a miss)
  --budget <n>     The inline context budget in tokens (default: 8000)
  --json           Print the report and the files written as JSON`,
}
