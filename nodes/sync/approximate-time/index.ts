// message_filters ApproximateTime, ported: the baseline our synchronizer is measured against.
export { ApproximateTimePolicy, type ApproximateTimeOptions } from "./policy.ts";
