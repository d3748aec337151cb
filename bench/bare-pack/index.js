// Baseline for `npm run bench`: what any pack on the same SDK costs. @pulumi/policy resolves from the
// repository's node_modules, so both packs run exactly the same SDK and gRPC copies.
"use strict";
const { PolicyPack } = require("@pulumi/policy");

new PolicyPack("bench-bare-pack", {
  enforcementLevel: "mandatory",
  policies: [
    {
      name: "noop",
      description: "Does nothing: the SDK still decodes every resource before calling it.",
      enforcementLevel: "mandatory",
      validateStack: () => {},
    },
  ],
});
