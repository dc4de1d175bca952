// Typed signatures of the Pulumi YAML built-ins that have no direct @pulumi/pulumi counterpart.
// Generated modules call them as yaml.join(...) etc.; the check never runs them (noEmit).
declare namespace yaml {
    type Input<T> = import("@pulumi/pulumi").Input<T>;
    type Output<T> = import("@pulumi/pulumi").Output<T>;

    /** ${pulumi.stack}, ${pulumi.project}, ... */
    const pulumi: {
        readonly stack: string;
        readonly project: string;
        readonly organization: string;
        readonly cwd: string;
        readonly rootDirectory: string;
    };

    /** fn::join: [delimiter, [values]] */
    function join(delimiter: Input<string>, values: Input<Input<string>[]>): Output<string>;
    /** fn::split: [delimiter, source] */
    function split(delimiter: Input<string>, source: Input<string>): Output<string[]>;
    /** fn::select: [index, [values]] */
    function select<T>(index: Input<number>, values: Input<Input<T>[]>): Output<T>;
    function toBase64(value: Input<string>): Output<string>;
    function fromBase64(value: Input<string>): Output<string>;
    function sha1(value: Input<string>): Output<string>;
    function readFile(path: Input<string>): Output<string>;
}
