// A .srv file is a request .msg text and a response .msg text separated by a "---" line;
// rosidl turns them into the messages <Service>_Request and <Service>_Response.

export interface ServiceTexts {
  request: string;
  response: string;
}

export function splitServiceText(serviceType: string, text: string): ServiceTexts {
  const separator = /(?:^|\n)---[ \t]*(?:\r?\n|$)/.exec(text);
  if (!separator) throw new Error(`${serviceType}: no "---" line between request and response`);
  const separatorStart = separator.index + (separator[0].startsWith("\n") ? 1 : 0);
  return {
    request: text.slice(0, separatorStart),
    response: text.slice(separator.index + separator[0].length),
  };
}
