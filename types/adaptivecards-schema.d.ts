// adaptivecards-templating's types import the .ts sources of `adaptivecards`, which do not compile
// under this project's settings; this stands in for the one type it takes from them.
export type IAdaptiveCard = Record<string, unknown>;
