// Types of lib/exemption-validate.js, the validator of EXEMPTION_SCHEMA that scripts/build.js generates.
import type { ValidateFunction } from "ajv";

declare const validate: ValidateFunction;
export default validate;
