import { expect, test } from "vitest";
import { nextImageHistory } from "./image-pruning.js";

const ids = (records: Array<{ id: string }>) => records.map((record) => record.id);

test("the history keeps the newest N distinct images and drops the rest", () => {
  const history = (current: string, previous: string[], keep: number) => {
    const next = nextImageHistory(
      { id: current },
      previous.map((id) => ({ id })),
      keep,
    );
    return { kept: ids(next.kept), dropped: ids(next.dropped) };
  };
  expect(history("c", ["b", "a"], 2)).toEqual({ kept: ["c", "b"], dropped: ["a"] });
  expect(history("c", ["b", "a"], 3)).toEqual({ kept: ["c", "b", "a"], dropped: [] });
  // Redeploying an image it already had moves it to the front instead of repeating it.
  expect(history("a", ["b", "a"], 2)).toEqual({ kept: ["a", "b"], dropped: [] });
  expect(history("b", ["b"], 1)).toEqual({ kept: ["b"], dropped: [] });
  // A lowered KEEP_IMAGES drops several at once.
  expect(history("d", ["c", "b", "a"], 1)).toEqual({ kept: ["d"], dropped: ["c", "b", "a"] });
});

test("the tag the agent pulled for an image stays recorded, also when a later deployment found it in place", () => {
  const previous = [
    { id: "b", pulled: "reg/m:2" },
    { id: "a", pulled: "reg/m:1" },
  ];
  expect(nextImageHistory({ id: "b" }, previous, 2).kept).toEqual([
    { id: "b", pulled: "reg/m:2" },
    { id: "a", pulled: "reg/m:1" },
  ]);
  expect(nextImageHistory({ id: "c" }, previous, 2)).toEqual({
    kept: [
      { id: "c", pulled: undefined },
      { id: "b", pulled: "reg/m:2" },
    ],
    dropped: [{ id: "a", pulled: "reg/m:1" }],
  });
});
