// Turns resource specs into the objects the SDK hands to policies, in-process: the same wire
// encoding, the SDK's own deserializer and its unknown-checking proxy. For fast unit and property
// tests; the end-to-end tests go through the real pack process instead.

import type { ResourceView } from "../../lib/model";
import { encode, ProviderSpec, ResourceSpec } from "./wire";

/* eslint-disable @typescript-eslint/no-require-imports */
const structpb = require("google-protobuf/google/protobuf/struct_pb");
// Called through the module, as server.js does, so lib/secrets.ts sees what it decodes.
const deserialize = require("@pulumi/policy/deserialize");
const { unknownCheckingProxy } = require("@pulumi/policy/proxy");
/* eslint-enable @typescript-eslint/no-require-imports */

function sdkProps(value: Record<string, unknown>): Record<string, unknown> {
  const struct = structpb.Struct.fromJavaScript(encode(value));
  return unknownCheckingProxy(deserialize.deserializeProperties(struct, false));
}

function provider(p: ProviderSpec | undefined): ResourceView["provider"] {
  return p && { type: p.type, name: p.name, urn: p.urn, props: sdkProps(p.props) };
}

/** What a stack policy receives as `args.resources`. */
export function stackView(specs: ResourceSpec[]): ResourceView[] {
  const byUrn = new Map<string, ResourceView>();
  const views = specs.map((s) => {
    const view: ResourceView = {
      type: s.type,
      urn: s.urn,
      name: s.name,
      props: sdkProps(s.outputs),
      provider: provider(s.provider),
      propertyDependencies: {},
    };
    byUrn.set(s.urn, view);
    return view;
  });
  specs.forEach((s, i) => {
    for (const [prop, urns] of Object.entries(s.propertyDependencies ?? {})) {
      const deps = urns.map((u) => byUrn.get(u)).filter((d): d is ResourceView => d !== undefined);
      if (prop !== "") views[i].propertyDependencies![prop] = deps;
    }
  });
  return views;
}

/** What a resource policy receives as `args` in Analyze (inputs, no property dependencies). */
export function resourceView(spec: ResourceSpec): ResourceView {
  return {
    type: spec.type,
    urn: spec.urn,
    name: spec.name,
    props: sdkProps(spec.inputs),
    provider: provider(spec.provider),
  };
}
