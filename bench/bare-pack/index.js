// The floor for `npm run bench`: what any pack on the same SDK pays to read the same resources and
// report the same findings. It has the pack's shape (one resource policy, one stack policy), reads
// every property of every IAM resource (and its provider's) as a pack deciding about them would, and
// reports exactly the diagnostics and not-applicable entries the pack reported for the same request,
// with constant short texts. So the pack/floor ratio counts only the pack's own decisions and texts.
//
// The findings come from a reference run of the pack (bench/run.ts writes them to the JSON file named
// by BENCH_FLOOR_FINDINGS, read here once, before any measured call). Without it the floor reports
// nothing, which is what a cold start measures. @pulumi/policy resolves from the repository's
// node_modules, so both packs run exactly the same SDK and gRPC copies.
"use strict";
const { PolicyPack } = require("@pulumi/policy");

/** { analyze: { [urn]: { levels: string[], notApplicable: boolean } }, stack: { findings: [{urn, level}], notApplicable: boolean } } */
const expected = process.env.BENCH_FLOOR_FINDINGS
  ? JSON.parse(require("fs").readFileSync(process.env.BENCH_FLOOR_FINDINGS, "utf8"))
  : { analyze: {}, stack: { findings: [], notApplicable: false } };

const IAM = /^(aws:iam\/|aws-native:iam:)/;
const MESSAGE = "Finding.";
const REASON = "Not applicable.";

/** Reads every top-level value (an unknown one throws in the SDK's proxy, as it would for the pack). */
function readAll(props) {
  let known = 0;
  for (const key of Object.keys(props)) {
    try {
      if (props[key] !== undefined) known++;
    } catch {
      // unknown during preview
    }
  }
  return known;
}

function readResource(r) {
  if (!IAM.test(r.type)) return 0;
  let n = readAll(r.props);
  if (r.provider) n += readAll(r.provider.props);
  return n + Object.keys(r.propertyDependencies || {}).length;
}

// BENCH_FLOOR_TEXTS=1: the floor sends the pack's own message and description with each finding (both
// recorded by the reference run), so `npm run bench` can tell what sending those texts costs in the SDK
// (google-protobuf encodes strings one byte at a time into a JavaScript array) from the pack's own work.
const TEXTS = process.env.BENCH_FLOOR_TEXTS === "1";

/** The pack reports advisory findings with the object form's level, others at the configured level. */
function report(reportViolation, urn, level, finding) {
  const v = { message: MESSAGE, urn };
  if (TEXTS && finding && finding.message !== undefined) {
    v.message = finding.message;
    if (finding.description) v.description = finding.description;
  }
  if (level === "advisory") v.enforcementLevel = "advisory";
  reportViolation(v);
}

new PolicyPack("bench-bare-pack", {
  enforcementLevel: "mandatory",
  policies: [
    {
      name: "floor-resource",
      description: "Reads IAM resources, reports what the pack reported.",
      enforcementLevel: "mandatory",
      validateResource: (args, reportViolation) => {
        readResource(args);
        const e = expected.analyze[args.urn];
        if (!e) return;
        for (const level of e.levels) report(reportViolation, args.urn, level);
        if (e.notApplicable) args.notApplicable(REASON);
      },
    },
    {
      name: "floor-stack",
      description: "Reads IAM resources, reports what the pack reported.",
      enforcementLevel: "mandatory",
      validateStack: (args, reportViolation) => {
        for (const r of args.resources) readResource(r);
        for (const f of expected.stack.findings) report(reportViolation, f.urn, f.level, f);
        if (expected.stack.notApplicable) args.notApplicable(REASON);
      },
    },
  ],
});
