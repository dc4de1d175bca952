namespace InferenceFunction.Events;

public enum EventKind
{
    Unknown,
    ApiGatewayV1,
    ApiGatewayV2,
    SqsBatch,
    WarmUp,
}
