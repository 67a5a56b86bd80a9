morgueSearch.load("d-5",{"zd":"SxP[}-{x0HiyqL5;/fnWVlY[gtf5Jq!!"});
