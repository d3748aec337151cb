// The policy pack the Pulumi CLI starts (package.json `main`): this pack's name and the library's
// policies (policies/index.ts), nothing else.

import { PolicyPack } from "@pulumi/policy";
import { cisAws111Policies, PACK_INFO, PACK_NAME } from "./policies";

new PolicyPack(PACK_NAME, { ...PACK_INFO, policies: cisAws111Policies() });
