Console.WriteLine("usage: dotnet run -c Release --project bench/RiskOps.Bench -- <benchmark>");
return 0;
